namespace Bounded.Analyzers;

/// <summary>Every rule ID Bounded reports. IDs are fixed once shipped.</summary>
public static class RuleIds
{
    public const string InvalidOption = "BND0001";
    public const string UnboundedTaskSpawn = "BND1001";
    public const string UnboundedAsyncFanOut = "BND1002";
    public const string ThreadPerItem = "BND1003";
    public const string SemaphoreMisuse = "BND1004";
    public const string SpawnPerRequest = "BND1005";
    public const string DetachedTaskWithoutToken = "BND2001";
    public const string LoopIgnoresCancellation = "BND2002";
    public const string UndisposedTokenSource = "BND2003";
    public const string HotPathByteArray = "BND3001";
    public const string RentedLengthAsDataLength = "BND3002";
    public const string RentedArrayNotReturned = "BND3003";
    public const string RentedArrayUsedAfterReturn = "BND3004";
    public const string MemoryOwnerNotDisposed = "BND3005";
    public const string UnboundedQueue = "BND4001";
    public const string UnlimitedParallelism = "BND4002";
    public const string UncompletedChannel = "BND4003";

    /// <summary>Every ID above, for checks that must recognise a rule ID in configuration.</summary>
    public static readonly System.Collections.Immutable.ImmutableArray<string> All = System.Collections.Immutable.ImmutableArray.Create(
        InvalidOption, UnboundedTaskSpawn, UnboundedAsyncFanOut, ThreadPerItem, SemaphoreMisuse, SpawnPerRequest, DetachedTaskWithoutToken, LoopIgnoresCancellation,
        UndisposedTokenSource, HotPathByteArray, RentedLengthAsDataLength, RentedArrayNotReturned, RentedArrayUsedAfterReturn, MemoryOwnerNotDisposed, UnboundedQueue,
        UnlimitedParallelism, UncompletedChannel);
}
