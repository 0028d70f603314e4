module hmapcore.fixture/bench

go 1.21
