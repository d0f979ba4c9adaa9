package prompt

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"prompts/welcome.wav":     {Data: validWAV(t, sine(800))},
		"prompts/goodbye.wav":     {Data: validWAV(t, sine(400))},
		"prompts/a_first.wav":     {Data: validWAV(t, sine(160))},
		"prompts/README.md":       {Data: []byte("not audio")},
		"prompts/welcome.wav.bak": {Data: []byte("backup")},
		"prompts/nested/deep.wav": {Data: []byte("never read")},
	}
	s, err := LoadFS(fsys, "prompts")
	require.NoError(t, err)

	assert.Equal(t, []string{"a_first", "goodbye", "welcome"}, s.Names())
	assert.Equal(t, 3, s.Len())

	p, ok := s.Get("welcome")
	require.True(t, ok)
	assert.Equal(t, "welcome", p.Name)
	assert.Len(t, p.PCM, 800)
	assert.Len(t, p.Ulaw, 800)
	assert.Len(t, p.Alaw, 800)

	_, ok = s.Get("deep")
	assert.False(t, ok, "subdirectories are not loaded")
	_, ok = s.Get("missing")
	assert.False(t, ok)
}

func TestLoadFSNamesIsACopy(t *testing.T) {
	s, err := LoadFS(fstest.MapFS{"p/a.wav": {Data: validWAV(t, sine(10))}}, "p")
	require.NoError(t, err)
	names := s.Names()
	names[0] = "mutated"
	assert.Equal(t, []string{"a"}, s.Names())
}

func TestLoadFSErrors(t *testing.T) {
	good := validWAV(t, sine(160))
	stereo := riff(fmtSpec{tag: formatPCM, channels: 2, rate: SampleRate, bits: 16}.chunk(), chunk("data", pcmBytes(sine(160))))
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		dir     string
		wantErr error
		wantMsg string
	}{
		{
			name: "one bad file fails the load",
			fsys: fstest.MapFS{
				"p/good.wav":   {Data: good},
				"p/stereo.wav": {Data: stereo},
			},
			dir:     "p",
			wantErr: ErrChannels,
			wantMsg: `load prompt file "p/stereo.wav": prompt "stereo": unsupported channel count 2`,
		},
		{
			name:    "not a wav",
			fsys:    fstest.MapFS{"p/fake.wav": {Data: []byte("ID3 mp3 data here")}},
			dir:     "p",
			wantErr: ErrNotWAV,
			wantMsg: `"p/fake.wav"`,
		},
		{
			name:    "no prompts",
			fsys:    fstest.MapFS{"p/notes.txt": {Data: []byte("x")}},
			dir:     "p",
			wantErr: ErrNoPrompts,
			wantMsg: `load prompts from "p"`,
		},
		{
			name:    "missing dir",
			fsys:    fstest.MapFS{},
			dir:     "nope",
			wantErr: fs.ErrNotExist,
			wantMsg: `load prompts from "nope"`,
		},
		{
			name:    "nameless file",
			fsys:    fstest.MapFS{"p/.wav": {Data: good}},
			dir:     "p",
			wantErr: ErrInvalidName,
			wantMsg: `"p/.wav"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadFS(tc.fsys, tc.dir)
			require.Error(t, err)
			assert.Nil(t, s)
			require.ErrorIs(t, err, tc.wantErr)
			assert.Contains(t, err.Error(), tc.wantMsg)
		})
	}
}

func TestLoadFSOpenError(t *testing.T) {
	boom := errors.New("permission denied")
	fsys := openFailFS{MapFS: fstest.MapFS{"p/x.wav": {Data: validWAV(t, sine(10))}}, err: boom}
	_, err := LoadFS(fsys, "p")
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), `load prompt file "p/x.wav"`)
}

// openFailFS lists its MapFS entries but fails to open any file.
type openFailFS struct {
	fstest.MapFS
	err error
}

func (f openFailFS) Open(string) (fs.File, error) {
	return nil, f.err
}
