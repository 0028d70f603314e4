module hmapcore.fixture

go 1.19
