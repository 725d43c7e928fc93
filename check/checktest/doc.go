// Package checktest provides a fake clock for driving check.Scheduler in
// tests without sleeping.
//
// Only tests import it; it imports nothing of govrrpd but check.
package checktest
