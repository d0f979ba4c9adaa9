package dispatch

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// CallbacksKey is the Redis stream of callback requests, shared by all
// nodes, oldest first. Entries hold the queue, the caller's Call-ID, the
// member's opaque subject, purpose and verification level, where to call
// back ("on_file": the member's number on file; "caller": the number the
// caller called from, in "number") and when: never a name, member ID or DOB.
const CallbacksKey = "callgate:callbacks"

// maxCallbacks caps the stream (approximately): a work list, not an archive.
const maxCallbacks = 100_000

// Callback is one callback request.
type Callback struct {
	ID       string    `json:"id"` // the stream entry ID
	Queue    string    `json:"queue"`
	CallID   string    `json:"call_id"`
	Subject  string    `json:"subject,omitempty"`
	Purpose  string    `json:"purpose,omitempty"`
	Level    string    `json:"verification_level,omitempty"`
	To       string    `json:"to"`               // on_file or caller
	Number   string    `json:"number,omitempty"` // only when To is caller
	Enqueued time.Time `json:"enqueued"`         // when the call joined the queue (zero: never)
	At       time.Time `json:"requested_at"`
}

// RedisCallbacks keeps callback requests in the CallbacksKey stream.
type RedisCallbacks struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// NewRedisCallbacks returns the callback list in rdb.
func NewRedisCallbacks(rdb redis.UniversalClient) *RedisCallbacks {
	return &RedisCallbacks{rdb: rdb, now: time.Now}
}

// Request appends c (ID and At are set here). One round trip.
func (r *RedisCallbacks) Request(ctx context.Context, c Callback) (string, error) {
	if c.Queue == "" || c.CallID == "" || (c.To != "on_file" && c.To != "caller") {
		return "", fmt.Errorf("dispatch: callback: queue, call ID and to (on_file or caller) are required")
	}
	values := map[string]any{
		"queue": c.Queue, "call_id": c.CallID, "subject": c.Subject, "purpose": c.Purpose,
		"level": c.Level, "to": c.To, "number": c.Number,
		"enqueued": strconv.FormatInt(msOrZero(c.Enqueued), 10), "at": strconv.FormatInt(r.now().UnixMilli(), 10),
	}
	id, err := r.rdb.XAdd(ctx, &redis.XAddArgs{Stream: CallbacksKey, MaxLen: maxCallbacks, Approx: true, Values: values}).Result()
	if err != nil {
		return "", fmt.Errorf("dispatch: callback: %w", err)
	}
	return id, nil
}

// List returns up to n requests, oldest first.
func (r *RedisCallbacks) List(ctx context.Context, n int64) ([]Callback, error) {
	msgs, err := r.rdb.XRangeN(ctx, CallbacksKey, "-", "+", n).Result()
	if err != nil {
		return nil, fmt.Errorf("dispatch: callbacks: %w", err)
	}
	out := make([]Callback, 0, len(msgs))
	for _, m := range msgs {
		str := func(k string) string { s, _ := m.Values[k].(string); return s }
		ms := func(k string) time.Time {
			v, _ := strconv.ParseInt(str(k), 10, 64)
			if v == 0 {
				return time.Time{}
			}
			return time.UnixMilli(v).UTC()
		}
		out = append(out, Callback{
			ID: m.ID, Queue: str("queue"), CallID: str("call_id"), Subject: str("subject"), Purpose: str("purpose"),
			Level: str("level"), To: str("to"), Number: str("number"), Enqueued: ms("enqueued"), At: ms("at"),
		})
	}
	return out, nil
}

// Pending returns how many requests wait in the list. One round trip.
func (r *RedisCallbacks) Pending(ctx context.Context) (int64, error) {
	n, err := r.rdb.XLen(ctx, CallbacksKey).Result()
	if err != nil {
		return 0, fmt.Errorf("dispatch: callbacks pending: %w", err)
	}
	return n, nil
}

// Done removes a request once it has been handled.
func (r *RedisCallbacks) Done(ctx context.Context, id string) error {
	if err := r.rdb.XDel(ctx, CallbacksKey, id).Err(); err != nil {
		return fmt.Errorf("dispatch: callback done: %w", err)
	}
	return nil
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
