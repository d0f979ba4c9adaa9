package dispatch

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/registrations"
	"github.com/redis/go-redis/v9"
)

// RedisRoster keeps agents' presence in Redis (shared by all nodes): one
// hash per agent, key callgate:agent:{username}, fields status
// (available|away|offline), since (unix seconds of the last change to
// available, for longest-idle selection) and call (the Call-ID the agent
// is on, empty when free), answered ("1" once the phone answered that
// call), wrap_until (unix ms until which the agent is
// in wrap-up after a call). Phones are reachable when registered (or when
// the directory gives a static contact).
type RedisRoster struct {
	rdb  redis.UniversalClient
	dir  []agents.Agent
	regs *registrations.Store
	now  func() time.Time
}

// NewRedisRoster returns a roster over the agent directory.
func NewRedisRoster(rdb redis.UniversalClient, dir []agents.Agent, regs *registrations.Store) *RedisRoster {
	return &RedisRoster{rdb: rdb, dir: dir, regs: regs, now: time.Now}
}

func agentKey(username string) string { return "callgate:agent:" + username }

// SetStatus records an agent's web status (web.Presence).
func (r *RedisRoster) SetStatus(ctx context.Context, username, status string, at time.Time) error {
	kv := []any{"status", status}
	if status == "available" {
		// Choosing available also ends wrap-up early.
		kv = append(kv, "since", strconv.FormatInt(at.Unix(), 10), "wrap_until", "0")
	}
	if err := r.rdb.HSet(ctx, agentKey(username), kv...).Err(); err != nil {
		return fmt.Errorf("dispatch: presence: %w", err)
	}
	return nil
}

// claimScript sets the agent's call to ARGV[1] unless another call holds
// the agent: 1 when claimed, 0 when taken.
var claimScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'call')
if cur and cur ~= '' and cur ~= ARGV[1] then return 0 end
if cur ~= ARGV[1] then redis.call('HSET', KEYS[1], 'call', ARGV[1], 'answered', '0') end
return 1
`) //nolint:gochecknoglobals // immutable script

// releaseScript frees the agent from call ARGV[1] (only that call), makes
// it idle from ARGV[2] and in wrap-up until ARGV[3] (unix ms; 0: none).
var releaseScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'call')
if cur and cur ~= '' and cur ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'call', '', 'answered', '0', 'since', ARGV[2], 'wrap_until', ARGV[3])
return 1
`) //nolint:gochecknoglobals // immutable script

// Claim marks the agent busy with callID unless another call holds it.
func (r *RedisRoster) Claim(ctx context.Context, username, callID string) (bool, error) {
	n, err := claimScript.Run(ctx, r.rdb, []string{agentKey(username)}, callID).Int()
	if err != nil {
		return false, fmt.Errorf("dispatch: claim agent: %w", err)
	}
	return n == 1, nil
}

// answeredScript marks the agent's call ARGV[1] answered, if it holds it.
var answeredScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'call') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'answered', '1')
return 1
`) //nolint:gochecknoglobals // immutable script

// Answered records that the agent's phone answered callID.
func (r *RedisRoster) Answered(ctx context.Context, username, callID string) error {
	if err := answeredScript.Run(ctx, r.rdb, []string{agentKey(username)}, callID).Err(); err != nil {
		return fmt.Errorf("dispatch: agent answered: %w", err)
	}
	return nil
}

// Release frees the agent from callID; it is idle from now and in
// wrap-up until wrapUntil (zero: none).
func (r *RedisRoster) Release(ctx context.Context, username, callID string, wrapUntil time.Time) error {
	var wrap int64
	if !wrapUntil.IsZero() {
		wrap = wrapUntil.UnixMilli()
	}
	err := releaseScript.Run(ctx, r.rdb, []string{agentKey(username)}, callID,
		strconv.FormatInt(r.now().Unix(), 10), strconv.FormatInt(wrap, 10)).Err()
	if err != nil {
		return fmt.Errorf("dispatch: release agent: %w", err)
	}
	return nil
}

// State returns the agent's presence state for screens and metrics:
// offline, away, available, on_call or wrap_up.
func (r *RedisRoster) State(ctx context.Context, username string) (string, error) {
	m, err := r.rdb.HGetAll(ctx, agentKey(username)).Result()
	if err != nil {
		return "", fmt.Errorf("dispatch: agent state: %w", err)
	}
	return stateOf(m, r.now()), nil
}

// stateOf derives an agent's state (one of AgentStates) from its presence
// hash.
func stateOf(m map[string]string, now time.Time) string {
	wrap, _ := strconv.ParseInt(m["wrap_until"], 10, 64)
	switch {
	case m["call"] != "" && m["answered"] == "1":
		return AgentOnCall
	case m["call"] != "":
		return AgentRinging
	case m["status"] != AgentAvailable && m["status"] != AgentAway:
		return AgentOffline
	case wrap > now.UnixMilli():
		return AgentWrapUp
	default:
		return m["status"]
	}
}

// Candidates reads every agent's presence in one pipeline and whether its
// phone is registered.
func (r *RedisRoster) Candidates(ctx context.Context) ([]agents.Candidate, error) {
	cmds := make([]*redis.MapStringStringCmd, len(r.dir))
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, a := range r.dir {
			cmds[i] = p.HGetAll(ctx, agentKey(a.Username))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dispatch: roster: %w", err)
	}
	out := make([]agents.Candidate, 0, len(r.dir))
	for i, a := range r.dir {
		if a.Role != agents.RoleAgent && a.Role != agents.RoleSupervisor {
			continue
		}
		m := cmds[i].Val()
		since, _ := strconv.ParseInt(m["since"], 10, 64)
		state := stateOf(m, r.now())
		reachable := a.Contact != ""
		if !reachable && r.regs != nil {
			_, reachable, _ = r.regs.Lookup(ctx, a.Username)
		}
		out = append(out, agents.Candidate{
			Username: a.Username, Skills: a.Skills, Clinical: a.Clinical,
			Available: m["status"] == "available" && state != "wrap_up", Reachable: reachable,
			IdleSince: time.Unix(since, 0), OnCall: m["call"] != "",
		})
	}
	return out, nil
}

// Agent states counted by States (bounded metric labels).
const (
	AgentOffline   = "offline"   // no web status, or signed out
	AgentAway      = "away"      // signed in, not taking calls
	AgentAvailable = "available" // ready for calls (whether or not the phone is reachable)
	AgentRinging   = "ringing"   // a call is offered to the agent's phone
	AgentOnCall    = "on_call"   // on a call, whatever the web status
	AgentWrapUp    = "wrap_up"   // after a call, until wrap-up ends or the agent chooses available
)

// AgentStates lists every state States counts.
func AgentStates() []string {
	return []string{AgentOffline, AgentAway, AgentAvailable, AgentRinging, AgentOnCall, AgentWrapUp}
}

// States counts the agents who take calls (agents and supervisors) by
// state, in one pipeline. Every state is present, zero or not.
func (r *RedisRoster) States(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, 6)
	for _, s := range AgentStates() {
		out[s] = 0
	}
	var cmds []*redis.MapStringStringCmd
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, a := range r.dir {
			if a.Role == agents.RoleAgent || a.Role == agents.RoleSupervisor {
				cmds = append(cmds, p.HGetAll(ctx, agentKey(a.Username)))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dispatch: agent states: %w", err)
	}
	now := r.now()
	for _, c := range cmds {
		out[stateOf(c.Val(), now)]++
	}
	return out, nil
}

// Contact returns the agent's phone: its registration, else its static contact.
func (r *RedisRoster) Contact(ctx context.Context, username string) (string, bool, error) {
	if r.regs != nil {
		b, ok, err := r.regs.Lookup(ctx, username)
		if err != nil {
			return "", false, err
		}
		if ok {
			return b.Contact, true, nil
		}
	}
	for _, a := range r.dir {
		if a.Username == username && a.Contact != "" {
			return a.Contact, true, nil
		}
	}
	return "", false, nil
}
