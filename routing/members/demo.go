package members

import (
	"bytes"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

//go:embed demo-members.yaml
var demoYAML []byte //nolint:gochecknoglobals // embedded asset

// demoFile is the shape of demo-members.yaml.
type demoFile struct {
	Members []struct {
		MemberID        string            `yaml:"member_id"`
		Name            string            `yaml:"name"`
		DOB             string            `yaml:"dob"`
		PIN             string            `yaml:"pin"`
		Restrictions    []string          `yaml:"restrictions"`
		Fields          map[string]string `yaml:"fields"`
		Representatives []struct {
			Name         string   `yaml:"name"`
			Relationship string   `yaml:"relationship"`
			Code         string   `yaml:"code"`
			Scope        []string `yaml:"scope"`
		} `yaml:"representatives"`
	} `yaml:"members"`
}

// DemoRecords returns the bundled demo members (demo-members.yaml) as
// import records, e.g. to seed a Redis directory in demo mode. They are
// invented people; Wipe them after use all the same.
func DemoRecords() ([]Record, error) {
	var f demoFile
	dec := yaml.NewDecoder(bytes.NewReader(demoYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("members: demo members: %w", err)
	}
	recs := make([]Record, 0, len(f.Members))
	for _, m := range f.Members {
		r := Record{
			MemberID: []byte(m.MemberID), Name: m.Name, DOB: []byte(m.DOB), PIN: []byte(m.PIN),
			Fields: m.Fields, Restrictions: m.Restrictions,
		}
		for _, rep := range m.Representatives {
			r.Representatives = append(r.Representatives, RepRecord{
				Name: rep.Name, Relationship: rep.Relationship, Code: []byte(rep.Code), Scope: rep.Scope,
			})
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// LoadDemo returns a Static directory of the bundled demo members, hashed
// with DefaultArgon2Params under key. The clear secrets are wiped after
// hashing; only the display "dob" field keeps the date of birth.
func LoadDemo(key []byte) (*Static, error) {
	recs, err := DemoRecords()
	if err != nil {
		return nil, err
	}
	defer func() {
		for i := range recs {
			recs[i].Wipe()
		}
	}()
	return NewStatic(key, recs, DefaultArgon2Params())
}
