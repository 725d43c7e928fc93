package main

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// figure is a plot the report embeds: it draws itself into dir and
// returns the file name.
type figure interface {
	draw(dir string) (string, error)
	caption() string
}

var colors = map[string]color.Color{
	"govrrpd":    color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"keepalived": color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
}

// outagePlot is one failover cell: every run's client outage for both
// daemons, and the protocol bound as a dashed line.
type outagePlot struct {
	cell     string
	bound    float64
	gov, ka  []float64
	filename string
}

func (o outagePlot) file() string {
	if o.filename != "" {
		return o.filename
	}
	return "failover-" + strings.ReplaceAll(o.cell, " ", "-") + ".png"
}

func (o outagePlot) caption() string {
	return fmt.Sprintf("Failover %s: client outage per run (ms); dashed: the protocol bound %.1f ms", o.cell, o.bound)
}

func (o outagePlot) draw(dir string) (string, error) {
	p := plot.New()
	p.Title.Text = "Failover " + o.cell + ": client outage per run"
	p.Y.Label.Text = "outage (ms)"
	p.NominalX("govrrpd", "keepalived 2.2.7")
	// A fixed seed: the same figures give the same picture.
	rng := rand.New(rand.NewPCG(1, 2))
	for i, d := range []struct {
		name string
		v    []float64
	}{{"govrrpd", o.gov}, {"keepalived", o.ka}} {
		pts := make(plotter.XYs, len(d.v))
		for j, v := range d.v {
			pts[j] = plotter.XY{X: float64(i) + (rng.Float64()-0.5)*0.3, Y: v}
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return "", fmt.Errorf("plot %s: %w", o.cell, err)
		}
		s.GlyphStyle.Color = colors[d.name]
		s.GlyphStyle.Radius = vg.Points(3)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
	}
	bound, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: o.bound}, {X: 1.5, Y: o.bound}})
	if err != nil {
		return "", err
	}
	bound.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(bound)
	p.Legend.Add(fmt.Sprintf("bound %.1f ms", o.bound), bound)
	p.Y.Min = 0
	p.Y.Max = max(p.Y.Max, o.bound*1.1)
	return o.file(), p.Save(5*vg.Inch, 3.5*vg.Inch, filepath.Join(dir, o.file()))
}

type series struct {
	name string
	pts  [][2]float64
}

// seriesPlot is lines with points, one series per daemon.
type seriesPlot struct {
	file, title, x, y string
	series            []series
}

func (s seriesPlot) caption() string { return s.title }

func (s seriesPlot) draw(dir string) (string, error) {
	p := plot.New()
	p.Title.Text = s.title
	p.X.Label.Text = s.x
	p.Y.Label.Text = s.y
	for _, se := range s.series {
		xys := make(plotter.XYs, len(se.pts))
		for i, pt := range se.pts {
			xys[i] = plotter.XY{X: pt[0], Y: pt[1]}
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", fmt.Errorf("plot %s: %w", s.file, err)
		}
		c := colors[se.name]
		l.Color, pts.Color = c, c
		p.Add(l, pts)
		p.Legend.Add(se.name, l, pts)
	}
	p.Y.Min = 0
	p.Y.Max *= 1.25 // room for the legend above the data
	p.Legend.Top, p.Legend.Left = true, true
	return s.file, p.Save(5*vg.Inch, 3.5*vg.Inch, filepath.Join(dir, s.file))
}
