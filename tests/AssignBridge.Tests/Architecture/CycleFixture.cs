// Two folders that use each other, and one used one way only: what LayeringTests must find (and not find).
namespace AssignBridge.Tests.Architecture.CycleFixture.Left
{
    internal sealed class UsesRight
    {
        public Right.UsesLeft? Other { get; set; }

        public Down.UsedOneWay? Below { get; set; }
    }
}

namespace AssignBridge.Tests.Architecture.CycleFixture.Right
{
    internal sealed class UsesLeft
    {
        public Left.UsesRight? Other { get; set; }
    }
}

namespace AssignBridge.Tests.Architecture.CycleFixture.Down
{
    internal sealed class UsedOneWay;
}
