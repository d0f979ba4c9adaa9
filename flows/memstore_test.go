package flows_test

import (
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/flowtest"
)

func TestMemStoreContract(t *testing.T) {
	flowtest.StoreContract(t, func(*testing.T) flows.Store { return flows.NewMemStore() })
}
