module hmapcore.fixture/cgoquit

go 1.19
