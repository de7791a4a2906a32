namespace Bounded.Analyzers.Queues;

/// <summary>Option names of the BND4xxx rules (read through <see cref="BoundedOptions"/>).</summary>
public static class QueueOptions
{
    /// <summary><c>bounded.queue_capacity</c>: the capacity the BND4001 fix writes.</summary>
    public const string QueueCapacity = "queue_capacity";

    public const int DefaultQueueCapacity = 1024;
}
