package ctlapi

// SetTokenOwner lets the token-file tests run as any user.
func SetTokenOwner(uid int) func() {
	old := tokenOwner
	tokenOwner = uid
	return func() { tokenOwner = old }
}
