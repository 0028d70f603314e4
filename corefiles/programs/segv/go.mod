module hmapcore.fixture/segv

go 1.19
