package g711

// alawEvenBits is the mask that inverts the even bits of an A-law code.
const alawEvenBits = 0x55

// alawEncodeTable maps the top 12 bits of a sample (uint16(s)>>4) to its
// A-law code. The low four bits never influence the A-law code.
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var alawEncodeTable = buildAlawEncodeTable()

// alawDecodeTable maps every A-law code to its 16-bit linear value.
//
//nolint:gochecknoglobals // read-only lookup table built once at init
var alawDecodeTable = buildAlawDecodeTable()

// EncodeAlaw compands the linear samples in src to A-law codes in dst. It
// converts min(len(dst), len(src)) samples and returns that count.
func EncodeAlaw(dst []byte, src []int16) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, s := range src {
		dst[i] = alawEncodeTable[uint16(s)>>4]
	}
	return n
}

// DecodeAlaw expands the A-law codes in src to linear samples in dst. It
// converts min(len(dst), len(src)) samples and returns that count.
func DecodeAlaw(dst []int16, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, c := range src {
		dst[i] = alawDecodeTable[c]
	}
	return n
}

// alawEncodeSample is the ITU-T G.191 reference A-law compressor for one
// 16-bit sample.
func alawEncodeSample(s int16) byte {
	var ix int32
	if s < 0 {
		ix = int32(^s) >> 4
	} else {
		ix = int32(s) >> 4
	}
	if ix > 15 {
		exp := int32(1)
		for ix > 16+15 {
			ix >>= 1
			exp++
		}
		ix = ix - 16 + exp<<4
	}
	if s >= 0 {
		ix |= 0x80
	}
	return byte(ix ^ alawEvenBits)
}

// alawDecodeSample is the ITU-T G.191 reference A-law expander for one code.
func alawDecodeSample(c byte) int16 {
	ix := int32(c^alawEvenBits) & 0x7F
	exp := ix >> 4
	mant := ix & 0x0F
	if exp > 0 {
		mant += 16
	}
	mant = mant<<4 + 0x08
	if exp > 1 {
		mant <<= exp - 1
	}
	if c < 0x80 {
		return int16(-mant)
	}
	return int16(mant)
}

func buildAlawEncodeTable() *[1 << 12]byte {
	var t [1 << 12]byte
	for i := range t {
		t[i] = alawEncodeSample(int16(uint16(i) << 4))
	}
	return &t
}

func buildAlawDecodeTable() *[256]int16 {
	var t [256]int16
	for i := range t {
		t[i] = alawDecodeSample(byte(i))
	}
	return &t
}
