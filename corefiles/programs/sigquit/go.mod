module hmapcore.fixture/sigquit

go 1.19
