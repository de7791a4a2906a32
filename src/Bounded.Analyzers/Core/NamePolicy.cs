using System;
using System.Collections.Immutable;

namespace Bounded.Analyzers;

/// <summary>
/// Every place where Bounded lets a name decide something, with the reason. Names are the weakest evidence we use:
/// each list here says what a name may vouch for and nothing more, and <c>NamePolicyTests</c> pins what each list
/// accepts and rejects. Add a word only with a principle that covers the next code base too, never to silence one.
/// </summary>
internal static class NamePolicy
{
    /// <summary>
    /// Words that say a count is a number of workers (the loop starts a pool, not work per input item). They vouch
    /// for the count wherever it comes from: a caller passing <c>workerCount</c> chooses a pool size.
    /// </summary>
    public static readonly ImmutableArray<string> WorkerCountWords = ImmutableArray.Create(
        "worker", "consumer", "producer", "thread", "concurren", "parallel", "degree", "pool", "reader", "writer", "fanout");

    /// <summary>
    /// Words that only say a count is capped (<c>max</c>, <c>limit</c>), not what it counts. A cap the program owns
    /// (a field, a property, a constant: configuration) bounds the loop; a cap that comes from input (a parameter,
    /// or a value read from one, such as <c>maxRows</c> or <c>request.Limit</c>) is still a count of input items.
    /// </summary>
    public static readonly ImmutableArray<string> CapWords = ImmutableArray.Create("max", "limit");

    /// <summary>
    /// Calls whose count argument says how much room the array has, which is its whole length: reads and receives
    /// (by prefix), fills, clears, copies and resizes (BND3002 does not report <c>rented.Length</c> passed to them).
    /// </summary>
    public static readonly ImmutableArray<string> RoomFillPrefixes = ImmutableArray.Create("Read", "TryRead", "Receive");

    public static readonly ImmutableArray<string> RoomFillNames = ImmutableArray.Create(
        "Fill", "Clear", "GetBytes", "GetChars", "GetNonZeroBytes", "Copy", "BlockCopy", "ConstrainedCopy", "Resize");

    /// <summary>Parameter names that take a data length (BND3002: <c>rented.Length</c> passed there claims the whole array is data).</summary>
    public static readonly ImmutableArray<string> CountParameterWords = ImmutableArray.Create("count", "length");

    public const string SizeParameterName = "size";

    /// <summary>
    /// Calls that write a prefix of the buffer and return how much (the BND3001 fix may pool the buffer: they never
    /// see more than the requested length is used).
    /// </summary>
    public static readonly ImmutableHashSet<string> PrefixFillMethods = ImmutableHashSet.Create(
        "Read", "ReadAsync", "ReadAtLeast", "ReadAtLeastAsync", "Receive", "ReceiveAsync", "ReceiveFrom", "ReceiveFromAsync",
        "GetBytes", "GetChars", "ReadBlock", "ReadBlockAsync");

    /// <summary>Calls that write the whole buffer they are given (the BND3001 fix must hand them exactly the requested length).</summary>
    public static readonly ImmutableHashSet<string> WholeFillMethods = ImmutableHashSet.Create(
        "ReadExactly", "ReadExactlyAsync", "Fill", "NextBytes", "GetNonZeroBytes");

    /// <summary>
    /// Calls whose name says they keep what they are given (<c>queue.Enqueue(buffer)</c> on a non-generic type,
    /// <c>args.SetBuffer(buffer, 0, n)</c>, <c>registry.Register(buffer)</c>): an array handed to them may outlive the
    /// call, so BND3001 does not offer to pool or hoist it. A known gap: a callee that keeps the array under another
    /// name is not seen (see the BND3001 page).
    /// </summary>
    public static readonly ImmutableArray<string> KeepingCallPrefixes = ImmutableArray.Create(
        "Add", "TryAdd", "Enqueue", "TryEnqueue", "Push", "Insert", "Post", "Set", "Store", "Register", "Attach", "Cache", "Keep", "Retain", "Publish", "Schedule");

    public static bool NamesKeepingCall(string methodName)
    {
        foreach (var prefix in KeepingCallPrefixes)
        {
            if (methodName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool NamesWorkerCount(string name) => ContainsAny(name, WorkerCountWords);

    public static bool NamesCap(string name) => ContainsAny(name, CapWords);

    public static bool FillsRoom(string methodName)
    {
        foreach (var prefix in RoomFillPrefixes)
        {
            if (methodName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return RoomFillNames.Contains(methodName);
    }

    public static bool NamesDataLength(string parameterName) =>
        ContainsAny(parameterName, CountParameterWords) || parameterName == SizeParameterName;

    private static bool ContainsAny(string name, ImmutableArray<string> words)
    {
        foreach (var word in words)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
