package g711

// ulawBias is the μ-law encoder bias added to the 14-bit magnitude.
const ulawBias = 33

// ulawClip is the largest biased 14-bit magnitude the encoder accepts.
const ulawClip = 0x1FFF

// ulawEncodeTable maps the top 14 bits of a sample (uint16(s)>>2) to its
// μ-law code. The low two bits never influence the μ-law code.
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var ulawEncodeTable = buildUlawEncodeTable()

// ulawDecodeTable maps every μ-law code to its 16-bit linear value.
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var ulawDecodeTable = buildUlawDecodeTable()

// EncodeUlaw compands the linear samples in src to μ-law codes in dst. It
// converts min(len(dst), len(src)) samples and returns that count.
func EncodeUlaw(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, s := range src {
		dst[i] = ulawEncodeTable[uint16(s)>>2]
	}
	return n
}

// DecodeUlaw expands the μ-law codes in src to linear samples in dst. It
// converts min(len(dst), len(src)) samples and returns that count.
func DecodeUlaw(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, c := range src {
		dst[i] = ulawDecodeTable[c]
	}
	return n
}

// ulawEncodeSample is the ITU-T G.191 reference μ-law compressor for one
// 16-bit sample.
func ulawEncodeSample(s int16) byte {
	var mag int32
	if s < 0 {
		mag = int32(^s)>>2 + ulawBias
	} else {
		mag = int32(s)>>2 + ulawBias
	}
	mag = min(mag, ulawClip)
	seg := int32(1)
	for i := mag >> 6; i != 0; i >>= 1 {
		seg++
	}
	code := (8-seg)<<4 | (0x0F - (mag>>seg)&0x0F)
	if s >= 0 {
		code |= 0x80
	}
	return byte(code)
}

// ulawDecodeSample is the ITU-T G.191 reference μ-law expander for one code.
func ulawDecodeSample(c byte) int16 {
	inv := ^c
	exp := int32(inv>>4) & 0x07
	mant := int32(inv) & 0x0F
	step := int32(4) << (exp + 1)
	mag := (0x80 << exp) + step*mant + step/2 - 4*ulawBias
	if c < 0x80 {
		return int16(-mag)
	}
	return int16(mag)
}

func buildUlawEncodeTable() *[1 << 14]byte {
	var t [1 << 14]byte
	for i := range t {
		t[i] = ulawEncodeSample(int16(uint16(i) << 2))
	}
	return &t
}

func buildUlawDecodeTable() *[256]int16 {
	var t [256]int16
	for i := range t {
		t[i] = ulawDecodeSample(byte(i))
	}
	return &t
}
