module hmapcore.fixture/server

go 1.19
