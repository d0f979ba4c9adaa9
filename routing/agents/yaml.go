package agents

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/callgate/callgate/routing/internal/strictyaml"
)

// MaxSourceSize is the largest directory source, in bytes, that ParseDirectory reads.
const MaxSourceSize = 1 << 20

// doc is the shared strict reader, worded for this package's documents.
var doc = strictyaml.Doc{Name: "directory", Needs: "version and agents", MaxSize: MaxSourceSize, Suggest: didYouMean} //nolint:gochecknoglobals // read-only

// classes maps the shared problem classes to this package's sentinels.
var classes = map[strictyaml.Class]error{ //nolint:gochecknoglobals // read-only
	strictyaml.Syntax: ErrSyntax, strictyaml.MissingKey: ErrMissingKey,
	strictyaml.UnknownKey: ErrUnknownKey, strictyaml.Duplicate: ErrDuplicate,
}

// errAt returns a *ParseError at n.
func errAt(n *yaml.Node, class error, format string, args ...any) error {
	return &ParseError{Line: max(n.Line, 1), Column: max(n.Column, 1), Msg: fmt.Sprintf(format, args...), Class: class}
}

// local turns a shared *strictyaml.Error into a *ParseError; other errors
// (this package's own, from a mapping callback) pass unchanged.
func local(err error) error {
	var e *strictyaml.Error
	if !errors.As(err, &e) {
		return err
	}
	return &ParseError{Line: e.Line, Column: e.Column, Msg: e.Msg, Class: classes[e.Class]}
}

func decodeRoot(src []byte) (*yaml.Node, error) {
	n, err := doc.DecodeRoot(src)
	return n, local(err)
}

func mapping(m *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	return local(doc.Mapping(m, what, known, fn))
}

func list(v *yaml.Node, what string) ([]*yaml.Node, error) {
	items, err := strictyaml.List(v, what)
	return items, local(err)
}

func scalar(v *yaml.Node, what string) (string, error) {
	s, err := strictyaml.Scalar(v, what)
	return s, local(err)
}

func boolean(v *yaml.Node, what string) (bool, error) {
	b, err := strictyaml.Boolean(v, what)
	return b, local(err)
}

func integer(v *yaml.Node, what string) (int, error) {
	n, err := strictyaml.Integer(v, what)
	return n, local(err)
}

func describe(v *yaml.Node) string { return strictyaml.Describe(v) }

func isNull(v *yaml.Node) bool { return strictyaml.IsNull(v) }

func quote(s string) string { return strictyaml.Quote(s) }
