package agents_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHashAndVerify(t *testing.T) {
	pw := []byte("correct horse battery staple")
	h1, err := agents.HashPassword(rand.Reader, pw, agents.DefaultArgon2Params())
	require.NoError(t, err)
	h2, err := agents.HashPassword(rand.Reader, pw, agents.DefaultArgon2Params())
	require.NoError(t, err)
	assert.NotEqual(t, h1, h2, "salted")
	assert.True(t, strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$"))
	assert.Equal(t, []byte("correct horse battery staple"), pw, "password not modified")

	ok, err := agents.VerifyPassword(h1, pw)
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = agents.VerifyPassword(h1, []byte("correct horse battery stapl"))
	require.NoError(t, err)
	assert.False(t, ok)

	// A hash HashPassword makes is one ParseDirectory accepts.
	_, err = agents.ParseDirectory(doc("version: 1", "agents: [{username: al, role: agent, password_hash: '"+h1+"'}]"))
	require.NoError(t, err)
}

func TestHashPasswordErrors(t *testing.T) {
	good := agents.DefaultArgon2Params()
	cases := []struct {
		name   string
		random func() *bytes.Reader
		params agents.Argon2Params
		want   error
		msg    string
	}{
		{name: "weak memory", params: agents.Argon2Params{Time: 10, MemoryKiB: 4096, Threads: 1, KeyLen: 32, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "memory 4096 KiB: want at least 7168"},
		{name: "weak cost", params: agents.Argon2Params{Time: 1, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "memory 19456 KiB × time 1: want at least 35840"},
		{name: "short salt", params: agents.Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 8}, want: agents.ErrInvalidParams, msg: "salt length 8: want at least 16"},
		{name: "no threads", params: agents.Argon2Params{Time: 2, MemoryKiB: 19456, KeyLen: 32, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "threads 0: want 1..16"},
		{name: "too much memory", params: agents.Argon2Params{Time: 2, MemoryKiB: 1 << 20, Threads: 1, KeyLen: 32, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "memory 1048576 KiB: want 8..262144"},
		{name: "short key", params: agents.Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 8, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "hash length 8: want 16..64"},
		{name: "too many passes", params: agents.Argon2Params{Time: 17, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}, want: agents.ErrInvalidParams, msg: "time 17: want 1..16"},
		{name: "random source runs dry", random: func() *bytes.Reader { return bytes.NewReader(make([]byte, 3)) }, params: good, msg: "agents: password salt: unexpected EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.random != nil {
				_, err = agents.HashPassword(tc.random(), []byte("x"), tc.params)
			} else {
				_, err = agents.HashPassword(rand.Reader, []byte("x"), tc.params)
				assert.ErrorIs(t, tc.params.Validate(), tc.want)
			}
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	assert.NoError(t, good.Validate())
}

func TestVerifyPasswordMalformed(t *testing.T) {
	salt, sum := strings.Repeat("A", 22), strings.Repeat("A", 43)
	cases := []struct {
		name string
		phc  string
		msg  string
	}{
		{name: "empty", phc: "", msg: "not an argon2id v=19 PHC string"},
		{name: "bcrypt", phc: "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", msg: "not an argon2id v=19 PHC string"},
		{name: "argon2i", phc: "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + sum, msg: "not an argon2id v=19 PHC string"},
		{name: "old version", phc: "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + sum, msg: "not an argon2id v=19 PHC string"},
		{name: "parameters out of order", phc: "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + sum, msg: "parameters: want m=,t=,p="},
		{name: "missing parameter", phc: "$argon2id$v=19$m=19456,t=2$" + salt + "$" + sum, msg: "parameters: want m=,t=,p="},
		{name: "extra parameter", phc: "$argon2id$v=19$m=19456,t=2,p=1,x=1$" + salt + "$" + sum, msg: "parameters: want m=,t=,p="},
		{name: "leading zero", phc: "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + sum, msg: "not in canonical PHC form"},
		{name: "salt not base64", phc: "$argon2id$v=19$m=19456,t=2,p=1$!!!!$" + sum, msg: "salt is not base64"},
		{name: "short salt", phc: "$argon2id$v=19$m=19456,t=2,p=1$AAAA$" + sum, msg: "salt length 3: want 8..64"},
		{name: "huge memory", phc: "$argon2id$v=19$m=4294967295,t=2,p=1$" + salt + "$" + sum, msg: "memory 4294967295 KiB: want 8..262144"},
		{name: "many threads", phc: "$argon2id$v=19$m=19456,t=2,p=255$" + salt + "$" + sum, msg: "threads 255: want 1..16"},
		{name: "too long", phc: strings.Repeat("$", 600), msg: "longer than 512 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := agents.VerifyPassword(tc.phc, []byte("x"))
			assert.False(t, ok)
			require.ErrorIs(t, err, agents.ErrInvalidPasswordHash)
			assert.Contains(t, err.Error(), tc.msg)
			if tc.phc != "" {
				assert.NotContains(t, err.Error(), tc.phc, "error quotes the hash")
			}
			assert.False(t, errors.Is(err, agents.ErrInvalidDirectory))
		})
	}
}
