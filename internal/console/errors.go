package console

// consoleError is an error the console reports in a form. A constant,
// not an errors.New: the package has nothing to build at start.
type consoleError string

func (e consoleError) Error() string { return string(e) }
