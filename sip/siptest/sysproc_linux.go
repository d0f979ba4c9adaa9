package siptest

import "syscall"

// sysProcAttr puts SIPp in its own process group (so a timeout kills it and
// anything it forked) and kills it if the test process dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
