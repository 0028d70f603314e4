module hmapcore.fixture/cgo

go 1.19
