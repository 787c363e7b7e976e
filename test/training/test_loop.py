"""The loop's stabilisers by hand: the warmed-up moving average and BatchNorm statistics."""

import torch

from training.engine.loop import ema_with_warmup, recompute_batchnorm


def test_the_moving_average_warms_up_then_keeps_its_decay():
    update = ema_with_warmup(0.98)
    averaged, current = [torch.zeros(3)], [torch.ones(3)]
    update(averaged, current, torch.tensor(0))  # step 0: decay min(0.98, 1/10) = 0.1
    torch.testing.assert_close(averaged[0], torch.full((3,), 0.9))
    averaged = [torch.zeros(3)]
    update(averaged, current, torch.tensor(10_000))  # late: the configured decay
    torch.testing.assert_close(averaged[0], torch.full((3,), 0.02))
    counter = [torch.tensor(3)]
    update(counter, [torch.tensor(7)], torch.tensor(5))
    assert int(counter[0]) == 7  # counters are copied, not averaged


class Net(torch.nn.Module):
    inputs = ("gaf",)

    def __init__(self):
        super().__init__()
        self.bn = torch.nn.BatchNorm2d(2)

    def forward(self, x):
        return self.bn(x), x


def test_batchnorm_statistics_are_those_of_the_split():
    torch.manual_seed(0)
    x = torch.randn(600, 2, 4, 4) * torch.tensor([3.0, 0.5])[None, :, None, None] + 7.0
    net = Net().eval()
    recompute_batchnorm(net, {"gaf": x, "y": torch.zeros(600)}, limit=10_000, device=torch.device("cpu"))
    torch.testing.assert_close(net.bn.running_mean, x.mean(dim=(0, 2, 3)), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(net.bn.running_var, x.var(dim=(0, 2, 3)), rtol=1e-2, atol=1e-3)
    assert not net.training  # the caller's mode is kept
