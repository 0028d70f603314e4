module hmapcore.fixture/gallery

go 1.19
