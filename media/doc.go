// Package media owns a call's audio: one RTP session per call leg (RFC 3550,
// pion/rtp framing), G.711 μ-law/A-law (RFC 3551), prompt playback paced at
// 20 ms by a shared, sharded pacer, RFC 4733 telephone-event send and receive,
// in-band DTMF detection (Goertzel), symmetric RTP (RFC 4961) and basic RTCP
// sender/receiver reports.
//
// It imports nothing else of callgate's outside media/.
//
// Data path of one session:
//
//	caller ──RTP──▶ RTP poller (one goroutine per pacer shard, epoll on its
//	                sessions' RTP sockets; a read loop per session where epoll is missing)
//	          handleRTP ─▶ jitter/loss stats ─▶ telephone-event? ─▶ dtmf.Receiver ───────┐
//	                    └▶ G.711 decode ─▶ dtmf.Detector (in-band) ──────────────────────┼─▶ Digits()
//	                    └▶ OnAudio / sink (recording, meters, the bridged leg)           │
//	Pacer tick (every 20 ms, one goroutine per shard) ─▶ Session.tick ─▶ prompt/silence/ │
//	                                                      RFC 4733 event ─▶ RTP ─▶ caller
//	caller ──RTCP──▶ Engine's RTCP reader (one goroutine, epoll on every session's
//	                 RTCP socket; a goroutine per session where epoll is missing)
//	                 ─▶ Stats().Peer
package media
