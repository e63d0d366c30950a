module tracecorpus

go 1.22
