// Package flows will hold the call-flow model, its YAML loader, validator
// and versions (issue 3). It is empty until then; the top-level layout in
// DESIGN.md reserves it.
package flows
