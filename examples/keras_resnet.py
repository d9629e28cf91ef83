# A Keras ResNet-18 built with the functional API: basic residual blocks written as functions.
#
# Open it in VS Code with NetLens, or run `netlens check examples/keras_resnet.py`.
# Shapes are channels-last, as Keras prints them; the batch is None because keras.Input declares none.
# Trainable parameters: 11,689,512 (the same network as torchvision's resnet18), plus 9,600 BatchNormalization
# moving statistics that Keras counts in "Total params".
import keras
from keras import layers


def basic_block(x, filters, stride=1, name=None):
    """Two 3x3 convolutions; the shortcut is projected by a strided 1x1 convolution when the shape changes."""
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=name + "_proj_conv")(x)
        shortcut = layers.BatchNormalization(name=name + "_proj_bn")(shortcut)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=name + "_conv1")(x)
    y = layers.BatchNormalization(name=name + "_bn1")(y)
    y = layers.Activation("relu", name=name + "_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name + "_conv2")(y)
    y = layers.BatchNormalization(name=name + "_bn2")(y)
    y = layers.Add(name=name + "_add")([shortcut, y])
    return layers.Activation("relu", name=name + "_out")(y)


def stage(x, filters, blocks, stride, name):
    x = basic_block(x, filters, stride=stride, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = basic_block(x, filters, name=f"{name}_block{i}")
    return x


def resnet18(input_shape=(224, 224, 3), classes=1000):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    for index, filters in enumerate([64, 128, 256, 512]):
        x = stage(x, filters, blocks=2, stride=1 if index == 0 else 2, name=f"stage{index + 1}")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="resnet18")
