package console

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/govrrpd/govrrpd/confparse/lvscf"
)

// importResult is what the import page shows.
type importResult struct {
	Input, Node, VRID string
	Output            string
	Diags             []string
	Error             string
}

func (c *Console) importForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, "import", importResult{Node: "primary", VRID: "51"})
}

// importRun converts an lvs.cf without touching anything: host names are
// refused rather than resolved, so the page causes no DNS traffic.
func (c *Console) importRun(w http.ResponseWriter, r *http.Request) {
	res := importResult{Input: r.PostFormValue("lvscf"), Node: r.PostFormValue("node"), VRID: r.PostFormValue("vrid")}
	vrid, err := strconv.Atoi(res.VRID)
	if err != nil || vrid < 1 || vrid > 255 {
		res.Error = "virtual_router_id must be 1..255"
	} else if res.Node != "primary" && res.Node != "backup" {
		res.Error = "node must be primary or backup"
	} else {
		out, ds := lvscf.Import([]byte(res.Input), lvscf.Options{}, lvscf.ConvertOptions{Node: res.Node, VRID: vrid})
		for _, d := range ds {
			res.Diags = append(res.Diags, "lvs.cf: "+d.String())
		}
		var b bytes.Buffer
		switch {
		case out == nil:
			res.Error = "the file cannot be converted"
		default:
			if err := lvscf.Render(&b, out); err != nil {
				res.Error = err.Error()
			}
			res.Output = redact(b.String())
		}
	}
	if res.Error != "" {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	c.render(w, r, "import", res)
}
