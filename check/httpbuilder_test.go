package check_test

import (
	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/httpcheck"
)

// The scheduler's tests run HTTP_GET checkers in process, as the
// govrrpd-check helper does.
func init() { check.SetHTTP(httpcheck.New) }
