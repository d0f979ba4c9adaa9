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
// is on, empty when free). Phones are reachable when registered (or when
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
		kv = append(kv, "since", strconv.FormatInt(at.Unix(), 10))
	}
	if err := r.rdb.HSet(ctx, agentKey(username), kv...).Err(); err != nil {
		return fmt.Errorf("dispatch: presence: %w", err)
	}
	return nil
}

// OnCall marks the agent busy with callID, or free (and idle from now).
func (r *RedisRoster) OnCall(ctx context.Context, username, callID string) error {
	kv := []any{"call", callID}
	if callID == "" {
		kv = append(kv, "since", strconv.FormatInt(r.now().Unix(), 10))
	}
	return r.rdb.HSet(ctx, agentKey(username), kv...).Err()
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
		reachable := a.Contact != ""
		if !reachable && r.regs != nil {
			_, reachable, _ = r.regs.Lookup(ctx, a.Username)
		}
		out = append(out, agents.Candidate{
			Username: a.Username, Skills: a.Skills, Clinical: a.Clinical,
			Available: m["status"] == "available", Reachable: reachable,
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
	AgentOnCall    = "on_call"   // on a call, whatever the web status
)

// AgentStates lists every state States counts.
func AgentStates() []string { return []string{AgentOffline, AgentAway, AgentAvailable, AgentOnCall} }

// States counts the agents who take calls (agents and supervisors) by
// state, in one pipeline. Every state is present, zero or not.
func (r *RedisRoster) States(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, 4)
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
	for _, c := range cmds {
		m := c.Val()
		switch {
		case m["call"] != "":
			out[AgentOnCall]++
		case m["status"] == AgentAvailable:
			out[AgentAvailable]++
		case m["status"] == AgentAway:
			out[AgentAway]++
		default:
			out[AgentOffline]++
		}
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
