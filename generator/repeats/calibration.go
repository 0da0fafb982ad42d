package repeats

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Calibration is what the classes of the default configuration meant on
// the repeat benchmark's archives, where the true repeats are known: of
// the candidates called likely, how many were true repeats, and of the
// true repeats, how many were called likely. Pages show it beside the
// thresholds, so that a reader knows what "likely" is worth.
type Calibration struct {
	// Config is the fingerprint of the configuration measured
	// (Config.Fingerprint); the figures hold for that one only.
	Config   string
	Measured string // the day, 2006-01-02
	Sizes    []int  // reports per archive
	Seeds    []int
	Styles   []StyleCalibration
}

// StyleCalibration is the figures of one style of benchmark archive,
// pooled over its sizes and seeds.
type StyleCalibration struct {
	// Style is "real" (long, uneven prose; see cmd/benchrepeats),
	// "real, no services" (the same without services, as imports are)
	// or "synthetic".
	Style string
	// Repeats is how many reports truly repeat an earlier one.
	Repeats int
	// Likely is how many candidates were called likely, LikelyRight how
	// many of those were true repeats.
	Likely, LikelyRight int
	// LikelyFound is how many of the true repeats had a true earlier
	// report called likely; FoundTop3, among their first three
	// candidates.
	LikelyFound, FoundTop3 int
}

// Precision is the share of likely candidates that were true repeats.
func (s StyleCalibration) Precision() float64 { return share(s.LikelyRight, s.Likely) }

// Recall is the share of true repeats called likely.
func (s StyleCalibration) Recall() float64 { return share(s.LikelyFound, s.Repeats) }

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Fingerprint identifies the configuration's weights and thresholds (the
// catalogue aside): calibration figures hold for one fingerprint.
func (c Config) Fingerprint() string {
	c.Catalogue = nil
	sum := sha256.Sum256([]byte(fmt.Sprintf("%+v", c)))
	return hex.EncodeToString(sum[:8])
}

// Applies reports whether the calibration was measured with cfg's
// weights and thresholds.
func (c Calibration) Applies(cfg Config) bool { return c.Config == cfg.Fingerprint() }

// Calibrated is the default configuration's calibration. Re-measure it
// with "make bench-repeats CALIBRATE=1" and paste the source it prints
// whenever detection or its defaults change; TestCalibrationIsCurrent
// fails when the defaults changed without it.
//
// Measured by make bench-repeats on 2026-12-03: 4 archives per style, of [2000 10000] reports, seeds [1 2].
var Calibrated = Calibration{
	Config:   "4d286ce9ccc5e5db",
	Measured: "2026-12-03",
	Sizes:    []int{2000, 10000},
	Seeds:    []int{1, 2},
	Styles: []StyleCalibration{
		{Style: "real", Repeats: 2735, Likely: 3245, LikelyRight: 3226, LikelyFound: 2426, FoundTop3: 2733},
		{Style: "real, no services", Repeats: 2735, Likely: 1387, LikelyRight: 1387, LikelyFound: 1380, FoundTop3: 2703},
		{Style: "synthetic", Repeats: 6104, Likely: 11793, LikelyRight: 11348, LikelyFound: 6101, FoundTop3: 6104},
	},
}
