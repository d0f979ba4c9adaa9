package agents

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/callgate/callgate/routing/internal/strictyaml"
)

// MaxSourceSize is the largest directory source, in bytes, that ParseDirectory reads.
const MaxSourceSize = 1 << 20

// doc is the shared strict reader, worded for this package's documents
// and returning its *ParseError.
var doc = strictyaml.Doc{ //nolint:gochecknoglobals // read-only
	Name: "directory", Needs: "version and agents", MaxSize: MaxSourceSize, Suggest: didYouMean,
	Wrap: func(e *strictyaml.Error) error {
		return &ParseError{Line: e.Line, Column: e.Column, Msg: e.Msg, Class: classes[e.Class]}
	},
}

// classes maps the shared problem classes to this package's sentinels.
var classes = map[strictyaml.Class]error{ //nolint:gochecknoglobals // read-only
	strictyaml.Syntax: ErrSyntax, strictyaml.MissingKey: ErrMissingKey,
	strictyaml.UnknownKey: ErrUnknownKey, strictyaml.Duplicate: ErrDuplicate,
}

// errAt returns a *ParseError at n.
func errAt(n *yaml.Node, class error, format string, args ...any) error {
	return &ParseError{Line: max(n.Line, 1), Column: max(n.Column, 1), Msg: fmt.Sprintf(format, args...), Class: class}
}
