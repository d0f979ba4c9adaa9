package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
)

// stereoWAV16k is a 16 kHz stereo 16-bit WAV of DTMF key 5 (770 + 1336 Hz)
// for d seconds: what an admin's recording tool might export.
func stereoWAV16k(seconds float64) []byte {
	const rate = 16000
	n := int(seconds * rate)
	var data bytes.Buffer
	for i := range n {
		tt := float64(i) / rate
		v := int16(6000*math.Sin(2*math.Pi*770*tt) + 6000*math.Sin(2*math.Pi*1336*tt))
		_ = binary.Write(&data, binary.LittleEndian, v)
		_ = binary.Write(&data, binary.LittleEndian, v)
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, uint32(36+data.Len()))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(2), uint32(rate), uint32(rate * 4), uint16(4), uint16(16)} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, uint32(data.Len()))
	b.Write(data.Bytes())
	return b.Bytes()
}

func (c *apiClient) upload(path string, wav []byte, contentType string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, c.base+path, bytes.NewReader(wav))
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", contentType)
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestPromptUploadServed: an admin uploads a 16 kHz stereo WAV as the
// welcome prompt; it is converted, versioned, in the ledger, and the next
// call hears it (the tone is detected in what the caller recorded).
func TestPromptUploadServed(t *testing.T) {
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, _, _ := startApp(t, "--ledger", ledgerPath)
	base := "http://" + app.httpLn.Addr().String()
	ada, alice := signIn(t, base, "ada"), signIn(t, base, "alice")

	code, body := ada.upload("/api/v1/prompts/en/welcome?comment=test+tone", stereoWAV16k(1.0), "audio/wav")
	require.Equal(t, http.StatusCreated, code, string(body))
	var v struct {
		Version int     `json:"version"`
		Seconds float64 `json:"seconds"`
		Author  string  `json:"author"`
	}
	require.NoError(t, json.Unmarshal(body, &v))
	assert.Equal(t, 1, v.Version)
	assert.InDelta(t, 1.0, v.Seconds, 0.01, "converted to 8 kHz, duration kept")
	assert.Equal(t, "ada", v.Author)

	code, body = ada.upload("/api/v1/prompts/en/welcome", []byte("ID3\x03 an mp3 file, not a WAV"), "audio/wav")
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, string(body), "not a valid WAV file")
	code, _ = ada.upload("/api/v1/prompts/en/welcome", stereoWAV16k(0.1), "application/octet-stream")
	assert.Equal(t, http.StatusUnsupportedMediaType, code)
	code, _ = ada.upload("/api/v1/prompts/en/welcome?comment=member+10001234", stereoWAV16k(0.1), "audio/wav")
	assert.Equal(t, http.StatusBadRequest, code, "a comment with a member-ID-like number never reaches the ledger")
	code, _ = alice.upload("/api/v1/prompts/en/welcome", stereoWAV16k(0.1), "audio/wav")
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = alice.do(http.MethodGet, "/api/v1/prompts", nil)
	assert.Equal(t, http.StatusForbidden, code)

	code, body = ada.do(http.MethodGet, "/api/v1/prompts", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"name":"welcome","version":1`)
	assert.Contains(t, string(body), `"bundled":{`)
	code, body = ada.do(http.MethodGet, "/api/v1/prompts/en/welcome/audio", nil)
	require.Equal(t, http.StatusOK, code)
	p, err := prompt.Decode("stored", bytes.NewReader(body))
	require.NoError(t, err, "stored as an 8 kHz mono WAV")
	assert.Equal(t, "5", string(dtmf.NewDetector().Process(nil, p.PCM)))

	raw, err := os.ReadFile(ledgerPath)
	require.NoError(t, err)
	assert.Regexp(t, `"kind":"prompt_publish","actor":"ada".*"prompt":"welcome","sha256":"[0-9a-f]{64}","version":"1"`, string(raw))
	_, err = audit.VerifyFile(ledgerPath)
	require.NoError(t, err)

	// A flow may name an uploaded prompt once it exists.
	src := "id: notice\nentry: say\nnodes:\n  say:\n    kind: hangup\n    prompts: [holiday_notice]\n"
	validate := func() string {
		code, body := ada.do(http.MethodPost, "/api/v1/flows/notice/validate", map[string]string{"source": src})
		require.Equal(t, http.StatusOK, code, string(body))
		return string(body)
	}
	assert.Contains(t, validate(), "holiday_notice", "not uploaded yet: the flow does not validate")
	code, body = ada.upload("/api/v1/prompts/en/holiday_notice", stereoWAV16k(0.5), "audio/wav")
	require.Equal(t, http.StatusCreated, code, string(body))
	assert.Contains(t, validate(), `"valid":true`)

	// The next call hears the uploaded welcome: key 5 in the first second.
	wav := t.TempDir() + "/heard.wav"
	var out bytes.Buffer
	require.NoError(t, cmdDial(context.Background(), []string{fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr()),
		"--duration", "2s", "--record", wav, "--json"}, &out), out.String())
	f, err := os.Open(wav)
	require.NoError(t, err)
	defer f.Close()
	heard, err := prompt.Decode("heard", f)
	require.NoError(t, err)
	assert.Contains(t, string(dtmf.NewDetector().Process(nil, heard.PCM)), "5", "the caller heard the uploaded prompt")
}
