package saturate

import (
	"math"
	"math/big"
	"testing"
	"time"
)

func TestAdd(t *testing.T) {
	tests := []struct {
		a, b, want int64
	}{
		{1, 2, 3},
		{math.MaxInt64, 1, math.MaxInt64},
		{math.MaxInt64 - 1, 1, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64},
		{math.MinInt64, math.MaxInt64, -1},
		{math.MaxInt64, math.MinInt64, -1},
		{-5, 3, -2},
		{1e15, 1e15, 2e15},
	}
	for _, tt := range tests {
		if got := Add(tt.a, tt.b); got != tt.want {
			t.Errorf("Add(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMul(t *testing.T) {
	tests := []struct {
		a, b, want int64
	}{
		{6, 7, 42},
		{0, math.MinInt64, 0},
		{math.MaxInt64, 2, math.MaxInt64},
		{math.MaxInt64, -2, math.MinInt64},
		{math.MinInt64, -1, math.MaxInt64},
		{-1, math.MinInt64, math.MaxInt64},
		{math.MinInt64, 1, math.MinInt64},
		{-3, -4, 12},
		{1 << 32, 1 << 31, math.MaxInt64}, // exactly 2^63: one past the top
		{1 << 31, 1 << 31, 1 << 62},
	}
	for _, tt := range tests {
		if got := Mul(tt.a, tt.b); got != tt.want {
			t.Errorf("Mul(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestAgainstBig compares Add and Mul with exact arithmetic clamped to
// int64, over values around zero and around both bounds.
func TestAgainstBig(t *testing.T) {
	var values []int64
	for _, base := range []int64{0, math.MaxInt64, math.MinInt64, 1 << 32, -(1 << 32), 3037000499} { // ⌊√(2^63)⌋
		for d := int64(-3); d <= 3; d++ {
			v := base + d // wraps near the bounds, which only adds values from the other end
			values = append(values, v)
		}
	}
	lo, hi := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	clamp := func(x *big.Int) int64 {
		switch {
		case x.Cmp(hi) > 0:
			return math.MaxInt64
		case x.Cmp(lo) < 0:
			return math.MinInt64
		}
		return x.Int64()
	}
	for _, a := range values {
		for _, b := range values {
			A, B := big.NewInt(a), big.NewInt(b)
			if got, want := Add(a, b), clamp(new(big.Int).Add(A, B)); got != want {
				t.Errorf("Add(%d, %d) = %d, want %d", a, b, got, want)
			}
			if got, want := Mul(a, b), clamp(new(big.Int).Mul(A, B)); got != want {
				t.Errorf("Mul(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// TestDurationAndInt: the helpers work on the types the figures use.
func TestDurationAndInt(t *testing.T) {
	const maxDuration = time.Duration(math.MaxInt64)
	if got := Add(maxDuration-time.Hour, 2*time.Hour); got != maxDuration {
		t.Errorf("Add on durations = %v, want the largest duration", got)
	}
	if got := Mul(time.Duration(1<<40), time.Duration(1<<40)); got != maxDuration {
		t.Errorf("Mul on durations = %v, want the largest duration", got)
	}
	if got := Add(math.MaxInt, 1); got != math.MaxInt {
		t.Errorf("Add on int = %d, want MaxInt", got)
	}
	if got := Add(int(2), 3); got != 5 {
		t.Errorf("Add(2, 3) = %d", got)
	}
}
