// Every test here runs builds and trainings: on a 2-core CI machine running them side by side only makes each slower.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
