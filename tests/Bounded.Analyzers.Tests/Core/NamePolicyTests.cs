using Xunit;

namespace Bounded.Analyzers.Tests.Core;

/// <summary>What each list of <see cref="NamePolicy"/> accepts and rejects. A change here is a change of principle.</summary>
public class NamePolicyTests
{
    [Theory]
    [InlineData("workerCount")]
    [InlineData("_consumers")]
    [InlineData("ProducerCount")]
    [InlineData("threads")]
    [InlineData("MaxConcurrency")]
    [InlineData("degreeOfParallelism")]
    [InlineData("poolSize")]
    [InlineData("readerCount")]
    [InlineData("operationFanout")]
    public void WorkerCountWordsNameAPool(string name) => Assert.True(NamePolicy.NamesWorkerCount(name));

    [Theory]
    [InlineData("maxRows")]
    [InlineData("limit")]
    [InlineData("count")]
    [InlineData("items")]
    [InlineData("batchSize")]
    [InlineData("Length")]
    public void OtherCountsNameNoPool(string name) => Assert.False(NamePolicy.NamesWorkerCount(name));

    [Theory]
    [InlineData("maxRows", true)]
    [InlineData("_maxRunners", true)]
    [InlineData("Limit", true)]
    [InlineData("rowCount", false)]
    [InlineData("size", false)]
    public void CapWordsOnlySayCapped(string name, bool expected) => Assert.Equal(expected, NamePolicy.NamesCap(name));

    [Theory]
    [InlineData("Read", true)]
    [InlineData("ReadAsync", true)]
    [InlineData("TryReadFrom", true)]
    [InlineData("ReceiveAsync", true)]
    [InlineData("Fill", true)]
    [InlineData("BlockCopy", true)]
    [InlineData("Resize", true)]
    [InlineData("Write", false)]
    [InlineData("SendAsync", false)]
    [InlineData("Thread", false)]
    public void CallsThatFillTheWholeRoom(string name, bool expected) => Assert.Equal(expected, NamePolicy.FillsRoom(name));

    [Theory]
    [InlineData("count", true)]
    [InlineData("byteCount", true)]
    [InlineData("length", true)]
    [InlineData("size", true)]
    [InlineData("offset", false)]
    [InlineData("bufferSize", false)]
    public void DataLengthParameters(string name, bool expected) => Assert.Equal(expected, NamePolicy.NamesDataLength(name));

    [Fact]
    public void FillListsOfTheFixAreDisjoint()
    {
        foreach (var name in NamePolicy.PrefixFillMethods)
        {
            Assert.DoesNotContain(name, NamePolicy.WholeFillMethods);
        }
    }

    [Theory]
    [InlineData("Add", true)]
    [InlineData("Enqueue", true)]
    [InlineData("SetBuffer", true)]
    [InlineData("Register", true)]
    [InlineData("Write", false)]
    [InlineData("ComputeHash", false)]
    [InlineData("CopyTo", false)]
    public void CallsThatKeepWhatTheyAreGiven(string name, bool expected) => Assert.Equal(expected, NamePolicy.NamesKeepingCall(name));
}

