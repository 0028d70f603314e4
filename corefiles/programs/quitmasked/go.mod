module hmapcore.fixture/quitmasked

go 1.19
