// Package saturate adds and multiplies signed integers without wrapping:
// a result beyond the type's range is clamped to its largest or smallest
// value. The trend figures sum counts and durations over every report of
// an archive; a sum that wrapped would show a huge total as a negative
// one, while a clamped one stays the largest number the type can hold.
package saturate

import "unsafe"

// Signed are the integer types handled: int, int64, time.Duration and
// any other type whose underlying type is int or int64.
type Signed interface{ ~int | ~int64 }

// bounds returns the smallest and largest values of T.
func bounds[T Signed]() (lo, hi T) {
	var x T
	bits := unsafe.Sizeof(x) * 8 // int is 32 bits wide on some platforms
	one := T(1)
	hi = one<<(bits-1) - 1
	return -hi - 1, hi
}

// Add returns a + b, clamped to T's range.
func Add[T Signed](a, b T) T {
	lo, hi := bounds[T]()
	switch {
	case b > 0 && a > hi-b:
		return hi
	case b < 0 && a < lo-b:
		return lo
	}
	return a + b
}

// Mul returns a × b, clamped to T's range.
func Mul[T Signed](a, b T) T {
	if a == 0 || b == 0 {
		return 0
	}
	lo, hi := bounds[T]()
	p := a * b
	// The product wrapped if dividing it back does not give a, or if it
	// is lo × -1, the one quotient that itself overflows.
	if p/b != a || (a == -1 && b == lo) || (b == -1 && a == lo) {
		if (a > 0) == (b > 0) {
			return hi
		}
		return lo
	}
	return p
}
