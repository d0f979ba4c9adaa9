package flows_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden") //nolint:gochecknoglobals // test flag

func TestBrokenFlowGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "broken.yaml"))
	require.NoError(t, err)
	_, err = flows.Load(src, testOptions())
	var errs flows.Errors
	require.ErrorAs(t, err, &errs)
	got := errs.Error() + "\n"

	golden := filepath.Join("testdata", "broken.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o600))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}
