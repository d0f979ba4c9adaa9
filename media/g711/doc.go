// Package g711 implements ITU-T G.711 μ-law and A-law companding.
//
// Encoding, decoding and transcoding are driven by lookup tables that are
// built once at package initialisation, so every conversion function is
// branch-light and never allocates. The results are bit-exact with the ITU-T
// G.191 reference implementation (and with github.com/zaf/g711).
//
// All functions follow the copy() convention: they convert
// min(len(dst), len(src)) samples and return that count.
package g711

const (
	// UlawSilence is the μ-law code for a zero sample (positive zero).
	UlawSilence = 0xFF
	// AlawSilence is the conventional A-law idle code: positive zero with
	// the even-bit inversion applied. A-law has no exact zero, so it decodes
	// to +8, the smallest positive level.
	AlawSilence = 0xD5
)
