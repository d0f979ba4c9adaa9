package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func parseReport(t *testing.T, s string) dialReport {
	t.Helper()
	var r dialReport
	require.NoError(t, json.Unmarshal([]byte(s), &r), s)
	return r
}
