package load

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of utime and stime in /proc/PID/stat. Linux fixes
// USER_HZ at 100 for user space on every architecture it supports,
// whatever the kernel's own HZ.
const userHZ = 100

// procSample is one reading of a process.
type procSample struct {
	At       time.Time
	CPUTicks uint64 // utime + stime, all threads
	RSSKiB   uint64
	Threads  int
}

// readProcStat reads utime+stime of pid from root/PID/stat.
func readProcStat(root string, pid int) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	return parseProcStat(b)
}

// parseProcStat takes utime (field 14) and stime (15) from a stat line.
// The command name (field 2) may hold spaces and parentheses, so fields
// are counted from the last ')'.
func parseProcStat(b []byte) (uint64, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("load: /proc stat: no command name in %q", truncate(b))
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 13 {
		return 0, fmt.Errorf("load: /proc stat: %d fields after the name", len(f))
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	s, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("load: /proc stat: utime %q stime %q", f[11], f[12])
	}
	return u + s, nil
}

// readProcStatus reads VmRSS (KiB) and Threads from root/PID/status.
func readProcStatus(root string, pid int) (rssKiB uint64, threads int, err error) {
	b, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	return parseProcStatus(b)
}

func parseProcStatus(b []byte) (rssKiB uint64, threads int, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	found := 0
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
		switch k {
		case "VmRSS":
			if rssKiB, err = strconv.ParseUint(v, 10, 64); err != nil {
				return 0, 0, fmt.Errorf("load: /proc status VmRSS %q: %w", v, err)
			}
			found++
		case "Threads":
			if threads, err = strconv.Atoi(v); err != nil {
				return 0, 0, fmt.Errorf("load: /proc status Threads %q: %w", v, err)
			}
			found++
		}
	}
	if found < 2 {
		return 0, 0, fmt.Errorf("load: /proc status: VmRSS or Threads missing")
	}
	return rssKiB, threads, nil
}

func sampleProc(root string, pid int) (procSample, error) {
	s := procSample{At: time.Now()}
	var err error
	if s.CPUTicks, err = readProcStat(root, pid); err != nil {
		return s, err
	}
	s.RSSKiB, s.Threads, err = readProcStatus(root, pid)
	return s, err
}

// countFDs is the number of open descriptors of pid.
func countFDs(root string, pid int) (int, error) {
	ents, err := os.ReadDir(filepath.Join(root, strconv.Itoa(pid), "fd"))
	if err != nil {
		return 0, err
	}
	return len(ents), nil
}

// hostCPU is the first line of /proc/stat, in USER_HZ ticks summed over
// all CPUs.
type hostCPU struct {
	busy, total, steal uint64
}

func readHostCPU(root string) (hostCPU, error) {
	b, err := os.ReadFile(filepath.Join(root, "stat"))
	if err != nil {
		return hostCPU{}, err
	}
	return parseHostCPU(b)
}

// parseHostCPU reads "cpu user nice system idle iowait irq softirq steal
// ...": busy is everything but idle, iowait and steal.
func parseHostCPU(b []byte) (hostCPU, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 9 || f[0] != "cpu" {
		return hostCPU{}, fmt.Errorf("load: /proc/stat: no cpu line in %q", truncate(line))
	}
	var h hostCPU
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return hostCPU{}, fmt.Errorf("load: /proc/stat: %q: %w", v, err)
		}
		if i >= 8 { // guest and guest_nice are already in user and nice
			break
		}
		h.total += n
		switch i {
		case 3, 4: // idle, iowait
		case 7:
			h.steal = n
		default:
			h.busy += n
		}
	}
	return h, nil
}

// Socket owners for drop attribution.
const (
	ownerOther = iota
	ownerGenerator
	ownerServer
)

// socketInodes maps the inode of every socket pid has open to owner.
func socketInodes(root string, pid, owner int, into map[uint64]int) {
	dir := filepath.Join(root, strconv.Itoa(pid), "fd")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil || !strings.HasPrefix(l, "socket:[") {
			continue
		}
		if ino, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]"), 10, 64); err == nil {
			into[ino] = owner
		}
	}
}

// udpDrops sums the per-socket drop counters of /proc/net/udp (sockets
// open now) by owner: the generator, the server, anything else.
func udpDrops(root string, owners map[uint64]int) ([3]uint64, error) {
	b, err := os.ReadFile(filepath.Join(root, "net", "udp"))
	if err != nil {
		return [3]uint64{}, err
	}
	return parseUDPDrops(b, owners), nil
}

func parseUDPDrops(b []byte, owners map[uint64]int) (by [3]uint64) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 13 {
			continue
		}
		ino, err1 := strconv.ParseUint(f[9], 10, 64)
		drops, err2 := strconv.ParseUint(f[len(f)-1], 10, 64)
		if err1 != nil || err2 != nil || drops == 0 {
			continue
		}
		by[owners[ino]] += drops
	}
	return by
}

// UDPCounters are the host's UDP error counters from /proc/net/snmp (per
// network namespace: the server's and the generator's sockets together).
type UDPCounters struct {
	InErrors     uint64 `json:"in_errors"`
	RcvbufErrors uint64 `json:"rcvbuf_errors"`
	SndbufErrors uint64 `json:"sndbuf_errors"`
	// Drops* are the most seen at once in the per-socket drop counters of
	// /proc/net/udp (read every few seconds during the run; a closed
	// socket's drops are gone), by the process that owns the socket: the
	// generator, the server (with --pid) and any other process.
	DropsGenerator uint64 `json:"drops_generator_sockets"`
	DropsServer    uint64 `json:"drops_server_sockets"`
	DropsOther     uint64 `json:"drops_other_sockets"`
}

func readUDPCounters(root string) (UDPCounters, error) {
	b, err := os.ReadFile(filepath.Join(root, "net", "snmp"))
	if err != nil {
		return UDPCounters{}, err
	}
	return parseSNMP(b)
}

// parseSNMP reads the two "Udp:" lines (names, then values).
func parseSNMP(b []byte) (UDPCounters, error) {
	var names, vals []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "Udp: ") {
			continue
		}
		if names == nil {
			names = strings.Fields(line)[1:]
		} else {
			vals = strings.Fields(line)[1:]
			break
		}
	}
	if names == nil || len(vals) != len(names) {
		return UDPCounters{}, fmt.Errorf("load: /proc/net/snmp: no Udp counters")
	}
	var c UDPCounters
	for i, n := range names {
		v, err := strconv.ParseUint(vals[i], 10, 64)
		if err != nil {
			continue
		}
		switch n {
		case "InErrors":
			c.InErrors = v
		case "RcvbufErrors":
			c.RcvbufErrors = v
		case "SndbufErrors":
			c.SndbufErrors = v
		}
	}
	return c, nil
}

// Sub is c - o, counter by counter.
func (c UDPCounters) Sub(o UDPCounters) UDPCounters {
	return UDPCounters{InErrors: c.InErrors - o.InErrors, RcvbufErrors: c.RcvbufErrors - o.RcvbufErrors, SndbufErrors: c.SndbufErrors - o.SndbufErrors}
}

// ServerMetrics is what the run reads from the server's /metrics.
type ServerMetrics struct {
	Goroutines    float64 `json:"go_goroutines"`
	HeapInuse     float64 `json:"go_memstats_heap_inuse_bytes"`
	StackInuse    float64 `json:"go_memstats_stack_inuse_bytes"`
	OpenFDs       float64 `json:"process_open_fds"`
	ActiveCalls   float64 `json:"callgate_sip_active_calls"`
	MediaSessions float64 `json:"callgate_media_sessions"`
	LateTicks     float64 `json:"callgate_media_pacer_late_ticks_total"`
}

// scrapeMetrics reads the few unlabelled series ServerMetrics holds.
func scrapeMetrics(ctx context.Context, url string) (ServerMetrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return ServerMetrics{}, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return ServerMetrics{}, fmt.Errorf("load: metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return ServerMetrics{}, fmt.Errorf("load: metrics: %s", res.Status)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return ServerMetrics{}, fmt.Errorf("load: metrics: %w", err)
	}
	return parseMetrics(b), nil
}

func parseMetrics(b []byte) ServerMetrics {
	var m ServerMetrics
	dst := map[string]*float64{
		"go_goroutines":                         &m.Goroutines,
		"go_memstats_heap_inuse_bytes":          &m.HeapInuse,
		"go_memstats_stack_inuse_bytes":         &m.StackInuse,
		"process_open_fds":                      &m.OpenFDs,
		"callgate_sip_active_calls":             &m.ActiveCalls,
		"callgate_media_sessions":               &m.MediaSessions,
		"callgate_media_pacer_late_ticks_total": &m.LateTicks,
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		if p := dst[name]; p != nil {
			if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
				*p = v
			}
		}
	}
	return m
}

func truncate(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}
