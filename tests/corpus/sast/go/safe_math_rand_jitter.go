// expect: safe
package retry

import (
	"math/rand"
	"time"
)

func Backoff(attempt int) time.Duration {
	return time.Duration(attempt*100+rand.Intn(50)) * time.Millisecond
}
