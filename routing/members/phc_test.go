package members

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArgon2ParamsValidate(t *testing.T) {
	tests := []struct {
		name    string
		mut     func(*Argon2Params)
		wantErr bool
	}{
		{"default", func(*Argon2Params) {}, false},
		{"zero time", func(p *Argon2Params) { p.Time = 0 }, true},
		{"zero threads", func(p *Argon2Params) { p.Threads = 0 }, true},
		{"memory below 8 KiB per thread", func(p *Argon2Params) { p.Threads, p.MemoryKiB = 4, 31 }, true},
		{"memory above limit", func(p *Argon2Params) { p.MemoryKiB = maxMemoryKiB + 1 }, true},
		{"short hash", func(p *Argon2Params) { p.KeyLen = 8 }, true},
		{"short salt", func(p *Argon2Params) { p.SaltLen = 4 }, true},
		{"test parameters", func(p *Argon2Params) { *p = testParams }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultArgon2Params()
			tt.mut(&p)
			err := p.Validate()
			if tt.wantErr {
				require.ErrorIs(t, err, ErrInvalidParams)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestDefaultArgon2Params(t *testing.T) {
	assert.Equal(t, Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}, DefaultArgon2Params())
}

func TestPHCRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		params Argon2Params
		want   string // regexp of the PHC string
	}{
		{"default", DefaultArgon2Params(), `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
		{"test", testParams, `^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := newHasher(testKey, tt.params)
			require.NoError(t, err)
			stored, err := h.hash(context.Background(), kindPIN, []byte("4321"))
			require.NoError(t, err)
			s := stored.String()
			assert.Regexp(t, tt.want, s)
			back, err := parsePHC(s)
			require.NoError(t, err)
			assert.Equal(t, stored, back)
			for _, c := range []struct {
				kind, secret string
				want         bool
			}{{kindPIN, "4321", true}, {kindPIN, "4322", false}, {kindRep, "4321", false}} {
				ok, err := h.verify(context.Background(), c.kind, back, []byte(c.secret))
				require.NoError(t, err)
				assert.Equal(t, c.want, ok, "%s %s", c.kind, c.secret)
			}
		})
	}
}

func TestPepperNeedsTheKey(t *testing.T) {
	a, err := newHasher(testKey, testParams)
	require.NoError(t, err)
	b, err := newHasher([]byte("another-key-0123456789abcdef"), testParams)
	require.NoError(t, err)
	stored, err := a.hash(context.Background(), kindDOB, []byte(maria.dob))
	require.NoError(t, err)
	ok, err := b.verify(context.Background(), kindDOB, stored, []byte(maria.dob))
	require.NoError(t, err)
	assert.False(t, ok, "a stolen hash cannot be checked without the key")
}

func TestParsePHCRejects(t *testing.T) {
	h, err := newHasher(testKey, testParams)
	require.NoError(t, err)
	stored, err := h.hash(context.Background(), kindPIN, []byte("4321"))
	require.NoError(t, err)
	good := stored.String()
	tests := []struct {
		name string
		s    string
	}{
		{"empty", ""},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1)},
		{"version 16", strings.Replace(good, "v=19", "v=16", 1)},
		{"parameters out of order", strings.Replace(good, "m=64,t=1", "t=1,m=64", 1)},
		{"extra parameter", strings.Replace(good, "p=1", "p=1,x=2", 1)},
		{"memory too large", strings.Replace(good, "m=64", "m=4194304", 1)},
		{"too many threads", strings.Replace(good, "p=1", "p=300", 1)},
		{"leading zero", strings.Replace(good, "m=64", "m=064", 1)},
		{"padded base64", good + "="},
		{"short hash", good[:len(good)-30]},
		{"trailing field", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePHC(tt.s)
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestNewHasherRejects(t *testing.T) {
	tests := []struct {
		name    string
		key     []byte
		params  Argon2Params
		wantErr error
	}{
		{"short key", []byte("0123456789abcde"), testParams, ErrInvalidKey},
		{"nil key", nil, testParams, ErrInvalidKey},
		{"bad params", testKey, Argon2Params{}, ErrInvalidParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newHasher(tt.key, tt.params)
			require.ErrorIs(t, err, tt.wantErr)
			_, err = NewStatic(tt.key, nil, tt.params)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestHasherCopiesTheKey(t *testing.T) {
	key := []byte(string(testKey))
	s, err := NewStatic(key, demoCSVRecords(t), testParams)
	require.NoError(t, err)
	Wipe(key)
	_, ok, err := s.Identify(context.Background(), []byte(maria.id), []byte(maria.dob))
	require.NoError(t, err)
	assert.True(t, ok, "wiping the caller's key does not break the directory")
}

func TestHashSlotsKeepOneProcFree(t *testing.T) {
	tests := []struct {
		procs, want int
	}{
		{1, 1}, // a single P must still hash
		{2, 1},
		{4, 3},
		{16, 15},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, hashSlots(tt.procs), "GOMAXPROCS %d", tt.procs)
	}
	h, err := newHasher(testKey, testParams)
	require.NoError(t, err)
	assert.Equal(t, hashSlots(runtime.GOMAXPROCS(0)), cap(h.sem))
}
