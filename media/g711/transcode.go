package g711

// ulawToAlawTable maps every μ-law code to the A-law code of its decoded
// value (decode then encode), so transcoding never allocates or goes
// through linear PCM.
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var ulawToAlawTable = buildUlawToAlawTable()

// alawToUlawTable maps every A-law code to the μ-law code of its decoded
// value (decode then encode).
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var alawToUlawTable = buildAlawToUlawTable()

// UlawToAlaw transcodes the μ-law codes in src to A-law codes in dst. It
// converts min(len(dst), len(src)) codes and returns that count. dst and src
// may be the same slice.
func UlawToAlaw(dst, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, c := range src {
		dst[i] = ulawToAlawTable[c]
	}
	return n
}

// AlawToUlaw transcodes the A-law codes in src to μ-law codes in dst. It
// converts min(len(dst), len(src)) codes and returns that count. dst and src
// may be the same slice.
func AlawToUlaw(dst, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, c := range src {
		dst[i] = alawToUlawTable[c]
	}
	return n
}

func buildUlawToAlawTable() *[256]byte {
	var t [256]byte
	for i := range t {
		t[i] = alawEncodeSample(ulawDecodeSample(byte(i)))
	}
	return &t
}

func buildAlawToUlawTable() *[256]byte {
	var t [256]byte
	for i := range t {
		t[i] = ulawEncodeSample(alawDecodeSample(byte(i)))
	}
	return &t
}
