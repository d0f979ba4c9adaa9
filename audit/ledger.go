package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// filePerm is the mode of a ledger file: the writer only.
const filePerm = 0o600

// Ledger appends entries to one ledger file. It is safe for concurrent
// use. Open one Ledger per file; Open refuses a file another Ledger holds.
type Ledger struct {
	path string
	f    *os.File
	now  func() time.Time

	// sem admits one holder at a time, waiting callers honouring their
	// context. It guards every field below and is never held together with
	// another package's lock.
	sem    chan struct{}
	closed bool
	failed error  // the write or fsync error that stopped appends
	seq    uint64 // seq of the last entry in the file
	head   string // hash of the last entry in the file
	size   int64  // bytes of the file holding whole, synced entries
	buf    []byte // line scratch space
}

// Open opens the ledger file at path for appending, creating it (mode
// 0600, directory synced) when it does not exist and tightening an
// existing file's mode to 0600. It verifies the whole existing chain and
// refuses a broken one with a *BrokenError (wrapping ErrBroken) that names
// the first bad line; it never appends after a broken line. It returns
// ErrLocked when another Ledger holds the file.
func Open(path string, opts ...Option) (*Ledger, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	f, created, err := openFile(path)
	if err != nil {
		return nil, err
	}
	l, err := load(f, path, o)
	if err != nil {
		_ = f.Close() // read only so far; the load error matters.
		return nil, err
	}
	if created {
		if err := syncDir(filepath.Dir(path)); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return l, nil
}

// openFile opens path read-write in append mode, creating it if absent,
// and reports whether it did.
func openFile(path string) (*os.File, bool, error) {
	const flags = os.O_RDWR | os.O_APPEND
	f, err := os.OpenFile(path, flags|os.O_CREATE|os.O_EXCL, filePerm) //nolint:gosec // the path is the operator's choice.
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, fmt.Errorf("audit: open: %w", err)
	}
	f, err = os.OpenFile(path, flags, filePerm) //nolint:gosec // as above.
	if err != nil {
		return nil, false, fmt.Errorf("audit: open: %w", err)
	}
	return f, false, nil
}

// load locks f, checks it is a private regular file and verifies its
// chain, returning a Ledger positioned after its last entry.
func load(f *os.File, path string, o options) (*Ledger, error) {
	if err := lockFile(f); err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("audit: open: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("audit: open %s: not a regular file", path)
	}
	if fi.Mode().Perm()&^filePerm != 0 {
		if err := f.Chmod(filePerm); err != nil {
			return nil, fmt.Errorf("audit: open: restrict mode: %w", err)
		}
	}
	c := newChain()
	if err := c.scan(context.Background(), io.NewSectionReader(f, 0, fi.Size()), nil); err != nil {
		return nil, fmt.Errorf("audit: open %s: %w", path, err)
	}
	return &Ledger{
		path: path,
		f:    f,
		now:  o.now,
		sem:  make(chan struct{}, 1),
		seq:  c.seq,
		head: c.headString(),
		size: c.size,
	}, nil
}

// syncDir fsyncs a directory so that a file just created in it survives a
// crash.
func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // the ledger's own directory.
	if err != nil {
		return fmt.Errorf("audit: sync directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("audit: sync directory: %w", err)
	}
	return nil
}

// Append validates e (see Validate), assigns its Seq, Time, Prev and
// Hash, writes it as one line and fsyncs the file before returning the
// entry as written. Concurrent calls are written one after another; ctx
// bounds the wait for a turn, not the write itself, which is never left
// half done by a cancellation. A write or fsync failure is returned
// wrapping ErrFailed, and so is every later Append.
func (l *Ledger) Append(ctx context.Context, e Entry) (Entry, error) {
	if err := Validate(e); err != nil {
		return Entry{}, err
	}
	e = e.clone()
	if err := l.acquire(ctx); err != nil {
		return Entry{}, fmt.Errorf("audit: append: %w", err)
	}
	defer l.release()
	if err := l.usable(); err != nil {
		return Entry{}, err
	}
	e.Seq = l.seq + 1
	e.Time = l.now().UTC()
	e.Prev = l.head
	canon, err := canonical(e)
	if err != nil {
		return Entry{}, err
	}
	e.Hash = hashOf(canon)
	l.buf = appendLine(l.buf[:0], canon, e.Hash)
	if err := l.write(l.buf); err != nil {
		return Entry{}, err
	}
	l.seq, l.head = e.Seq, e.Hash
	l.size += int64(len(l.buf))
	return e, nil
}

// write appends line and fsyncs; the caller holds sem. On failure it cuts
// any partial line off again, best effort, and marks the Ledger failed.
func (l *Ledger) write(line []byte) error {
	if _, err := l.f.Write(line); err != nil {
		_ = l.f.Truncate(l.size) // best effort; Open re-verifies anyway.
		l.failed = err
		return fmt.Errorf("%w: write: %w", ErrFailed, err)
	}
	if err := l.f.Sync(); err != nil {
		l.failed = err
		return fmt.Errorf("%w: fsync: %w", ErrFailed, err)
	}
	return nil
}

// Head returns the seq and hash of the last entry, (0, GenesisPrev) for
// an empty ledger. Record it outside the ledger to anchor the chain's
// tail (see the package documentation).
func (l *Ledger) Head() (uint64, string) {
	l.sem <- struct{}{}
	defer l.release()
	return l.seq, l.head
}

// Path returns the ledger file's path as given to Open.
func (l *Ledger) Path() string { return l.path }

// Close waits for an Append in progress, then closes the file and
// releases its lock. Later calls return ErrClosed.
func (l *Ledger) Close() error {
	l.sem <- struct{}{}
	defer l.release()
	if l.closed {
		return ErrClosed
	}
	l.closed = true
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}

// acquire waits for sem or for ctx to be done.
func (l *Ledger) acquire(ctx context.Context) error {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		l.release()
		return err
	}
	return nil
}

func (l *Ledger) release() { <-l.sem }

// usable returns why the Ledger cannot append, if it cannot; the caller
// holds sem.
func (l *Ledger) usable() error {
	switch {
	case l.closed:
		return ErrClosed
	case l.failed != nil:
		return fmt.Errorf("%w: %w", ErrFailed, l.failed)
	}
	return nil
}
