package policy

// Project returns the member fields that d permits, copied from member:
// only fields in both d.Fields and the policy's fields list, and only those
// member has. A field that is not permitted, or that the member does not
// have, is absent from the result, never masked or invented; an empty
// value the member has is kept. The result is never nil, so a screen with
// nothing permitted encodes as an empty object. A nil policy permits
// nothing.
func (p *Policy) Project(d Decision, member map[string]string) map[string]string {
	out := make(map[string]string, len(d.Fields))
	if p == nil {
		return out
	}
	for _, f := range d.Fields {
		if _, known := p.index[f]; !known {
			continue
		}
		if v, ok := member[f]; ok {
			out[f] = v
		}
	}
	return out
}
