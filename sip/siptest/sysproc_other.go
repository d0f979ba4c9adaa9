//go:build !linux

package siptest

import "syscall"

// sysProcAttr puts SIPp in its own process group (so a timeout kills it and
// anything it forked).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
