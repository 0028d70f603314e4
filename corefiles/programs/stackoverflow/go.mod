module hmapcore.fixture/stackoverflow

go 1.19
