package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/certsvc/certsvc/internal/config"
)

// lockName is the file in the data directory whose flock marks the embedded
// store as in use by one certsvc process.
const lockName = "certsvc.lock"

// errStoreBusy says another process holds the data directory's lock.
var errStoreBusy = errors.New("only one certsvc process may open an embedded store")

// lockDir returns the directory whose lock guards the embedded store cfg
// names, or "" on MySQL, where replicas share the database by design.
func lockDir(cfg *config.Config) string {
	u := cfg.DatabaseURL
	switch {
	case u == "":
		if cfg.DataDir == "" {
			return "data"
		}
		return cfg.DataDir
	case strings.HasPrefix(u, "sqlite:") || strings.HasPrefix(u, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		return filepath.Dir(path)
	}
	return ""
}

// lockStore takes the exclusive lock of the embedded store's data directory
// (flock on certsvc.lock, released by the kernel when the process ends, so a
// crash leaves no stale lock). It fails at once when another process holds
// it; the error wraps errStoreBusy and names that process. On MySQL it does
// nothing. The returned function releases the lock.
func lockStore(cfg *config.Config) (func(), error) {
	dir := lockDir(cfg)
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another certsvc process"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder += " (pid " + strconv.Itoa(pid) + ")"
			}
			return nil, fmt.Errorf("data directory %s is in use by %s (lock file %s): stop it first, or use the API while it serves: %w",
				dir, holder, path, errStoreBusy)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for the message above; the flock is the lock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
