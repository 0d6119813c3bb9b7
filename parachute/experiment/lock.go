// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Lock timing: a holder touches its lock every lockHeartbeat; a lock not
// touched for lockStale is taken over (its holder died, or its machine did).
const (
	lockHeartbeat = 5 * time.Second
	lockStale     = 30 * time.Second
	lockPoll      = 500 * time.Millisecond
)

// lockHolder is what a lock file holds.
type lockHolder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
}

// runLock is held while a process trains a run: root/locks/<hash>.lock,
// created exclusively, so that two processes given the same run (overlapping
// shards, a restarted pod beside its ghost) never train it at the same time.
type runLock struct {
	path string
	stop chan struct{}
	done chan struct{}
}

// lockPath is where the lock of a run lives.
func lockPath(root, hash string) string { return filepath.Join(root, "locks", hash+".lock") }

// tryLock takes the run's lock if it is free or stale and returns it, or
// nil and the holder when another live process holds it.
func tryLock(root, hash string) (*runLock, *lockHolder, error) {
	path := lockPath(root, hash)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	me := lockHolder{PID: os.Getpid(), Host: host, Started: time.Now().UTC()}
	raw, _ := json.Marshal(me)
	for attempt := 0; attempt < 2; attempt++ {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			_, werr := f.Write(raw)
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(path)
				return nil, nil, fmt.Errorf("lock %s: %v", path, errors.Join(werr, cerr))
			}
			l := &runLock{path: path, stop: make(chan struct{}), done: make(chan struct{})}
			go l.heartbeat()
			return l, nil, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, nil, err
		}
		holder, stale := inspectLock(path, host)
		if !stale {
			return nil, holder, nil
		}
		// Take over a stale lock: remove it and try once more (another
		// process may win the race, which is fine).
		os.Remove(path)
	}
	return nil, nil, nil
}

// inspectLock reads a lock and says whether it is stale: its holder is a
// dead process of this host, or its heartbeat is older than lockStale. An
// unreadable lock (being written) is stale only once it is old.
func inspectLock(path, host string) (*lockHolder, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, true // gone
	}
	age := time.Since(st.ModTime())
	var h lockHolder
	raw, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(raw, &h) != nil {
		return nil, age > lockStale
	}
	if h.Host == host && h.PID > 0 && !processAlive(h.PID) {
		return &h, true
	}
	return &h, age > lockStale
}

// clearStaleLock removes the lock of a finished run when its holder is
// gone: a process killed between writing the run's result and releasing its
// lock leaves one behind, which no later attempt would otherwise take (they
// find the result first).
func clearStaleLock(root, hash string) {
	path := lockPath(root, hash)
	if _, err := os.Stat(path); err != nil {
		return
	}
	host, _ := os.Hostname()
	if _, stale := inspectLock(path, host); stale {
		os.Remove(path)
	}
}

// processAlive reports whether a process of this host exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// heartbeat touches the lock until release.
func (l *runLock) heartbeat() {
	defer close(l.done)
	t := time.NewTicker(lockHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case now := <-t.C:
			os.Chtimes(l.path, now, now)
		}
	}
}

// release stops the heartbeat and removes the lock.
func (l *runLock) release() {
	close(l.stop)
	<-l.done
	os.Remove(l.path)
}
