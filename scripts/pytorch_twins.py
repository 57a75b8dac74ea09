"""The PyTorch twins of our models: the same layers under the same names as core/model_1.cpp and
core/model_3.cpp, so their state_dict keys and shapes match our checkpoints. Shared by
scripts/pytorch_interop.py (the interop check) and scripts/peer_pytorch.py (the speed reference)."""
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(784, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class Model3(nn.Module):
    def __init__(self):
        super().__init__()
        c = lambda i, o, k=3: nn.Conv2d(i, o, k, bias=False)
        self.conv1, self.bn1 = c(1, 10), nn.BatchNorm2d(10)
        self.conv2, self.bn2 = c(10, 10), nn.BatchNorm2d(10)
        self.conv3, self.bn3 = c(10, 16), nn.BatchNorm2d(16)
        self.trans1 = c(16, 10, 1)
        self.conv4, self.bn4 = c(10, 12), nn.BatchNorm2d(12)
        self.conv5, self.bn5 = c(12, 14), nn.BatchNorm2d(14)
        self.conv6, self.bn6 = c(14, 16), nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.max_pool2d(F.relu(self.bn3(self.conv3(x))), 2)
        x = F.relu(self.trans1(x))
        x = F.relu(self.bn4(self.conv4(x)))
        x = F.relu(self.bn5(self.conv5(x)))
        x = F.relu(self.bn6(self.conv6(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
